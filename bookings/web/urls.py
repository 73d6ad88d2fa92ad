from django.urls import path

from bookings.web import flow_views, manage_views, technique_views, views, visit_views, waitlist_views

app_name = "bookings"

urlpatterns = [
    # Technique pages: content (reflexology), who should wait (intake) and "Book this" together.
    path("techniques/", technique_views.technique_list, name="technique_list"),
    path("techniques/<slug:slug>/", technique_views.technique_detail, name="technique_detail"),
    path("prices/", views.prices, name="prices"),
    path("therapists/", views.therapist_list, name="therapist_list"),
    path("therapists/<slug:slug>/", views.therapist_detail, name="therapist_detail"),
    path("contact/", visit_views.contact, name="contact"),
    path("contact/hours/", visit_views.hours_fragment, name="hours_fragment"),
    path("api/availability/", views.availability_api, name="availability_api"),
    # The client's booking flow (bookings.web.flow): session, time, details, [questionnaire], summary.
    path("book/", flow_views.choose_service, name="book"),
    path("book/time/", flow_views.choose_time, name="book_time"),
    path("book/details/", flow_views.details, name="book_details"),
    path("book/summary/", flow_views.summary, name="book_summary"),
    path("book/confirm/", flow_views.confirm, name="book_confirm"),
    path("book/done/<str:token>/", flow_views.done, name="book_done"),
    # The client's own booking, from the signed link in their e-mail (bookings.links).
    path("appointments/<str:token>/", manage_views.manage, name="manage"),
    path("appointments/<str:token>/calendar.ics", manage_views.calendar, name="manage_calendar"),
    path("appointments/<str:token>/move/", manage_views.move, name="manage_move"),
    path("appointments/<str:token>/cancel/", manage_views.cancel, name="manage_cancel"),
    # The waitlist (bookings.waitlist): join, the client's place, a time held for them (signed links).
    path("waitlist/", waitlist_views.join, name="waitlist_join"),
    path("waitlist/hold/<str:token>/", waitlist_views.hold, name="waitlist_hold"),
    path("waitlist/<str:token>/", waitlist_views.entry, name="waitlist_entry"),
    path("waitlist/<str:token>/leave/", waitlist_views.leave, name="waitlist_leave"),
]
