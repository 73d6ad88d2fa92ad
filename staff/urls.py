"""The staff area, under /staff/ (studio/urls.py). Every view checks its own permission
(`staff.permissions.staff_view`); tests/staff/test_access.py walks them all."""

from django.urls import path

from staff.views import (
    appointments,
    auth,
    booking,
    clients,
    hours,
    prepaid,
    reports,
    schedule,
    sheet,
    waitlist,
)

app_name = "staff"

urlpatterns = [
    path("", schedule.dashboard, name="dashboard"),
    path("week/", schedule.week, name="week"),
    path("login/", auth.login, name="login"),
    path("logout/", auth.logout, name="logout"),
    path("appointments/<int:pk>/", appointments.appointment_detail, name="appointment"),
    path("appointments/<int:pk>/answers/", appointments.answers, name="answers"),
    path("appointments/<int:pk>/sheet/", sheet.session_sheet, name="session_sheet"),
    path("appointments/<int:pk>/attendance/", appointments.attendance, name="attendance"),
    path("appointments/<int:pk>/note/", appointments.note, name="note"),
    path("appointments/<int:pk>/cancel/", appointments.cancel, name="cancel"),
    path("appointments/<int:pk>/reschedule/", appointments.reschedule, name="reschedule"),
    path("appointments/<int:pk>/client/", clients.client, name="client"),
    path("book/", booking.book, name="book"),
    path("book/questionnaire/", booking.questionnaire_lookup, name="book_questionnaire"),
    path("prepaid/course/", prepaid.sell_course_page, name="prepaid_sell_course"),
    path("prepaid/certificate/", prepaid.sell_certificate_page, name="prepaid_sell_certificate"),
    path("prepaid/certificates/", prepaid.certificates, name="prepaid_certificates"),
    path("prepaid/certificates/redeem/", prepaid.redeem, name="prepaid_redeem"),
    path(
        "prepaid/certificates/<str:code>/print/", prepaid.certificate_print, name="prepaid_certificate_print"
    ),
    path("prepaid/courses/", prepaid.courses, name="prepaid_courses"),
    path("therapists/", hours.therapist_list, name="therapists"),
    path("therapists/<slug:slug>/hours/", hours.working_hours, name="working_hours"),
    path("therapists/<slug:slug>/time-off/", hours.time_off, name="time_off"),
    path("time-off/<int:pk>/delete/", hours.time_off_delete, name="time_off_delete"),
    path("closures/", hours.closures, name="closures"),
    path("closures/<int:pk>/delete/", hours.closure_delete, name="closure_delete"),
    path("reports/", reports.reports, name="reports"),
    path("reports.csv", reports.reports_csv, name="reports_csv"),
    path("audit/", reports.audit, name="audit"),
    path("waitlist/", waitlist.waitlist, name="waitlist"),
    path("waitlist/<int:pk>/", waitlist.waitlist_entry, name="waitlist_entry"),
    path("waitlist/<int:pk>/offer/", waitlist.waitlist_offer, name="waitlist_offer"),
]
