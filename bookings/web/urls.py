from django.urls import path

from bookings.web import (
    account_views,
    certificate_views,
    flow_views,
    manage_views,
    payment_views,
    technique_views,
    views,
    visit_views,
    waitlist_views,
)

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
    # The client's booking flow (bookings.web.flow): session, time, details, [questionnaire], summary.
    path("book/", flow_views.choose_service, name="book"),
    path("book/time/", flow_views.choose_time, name="book_time"),
    path("book/details/", flow_views.details, name="book_details"),
    path("book/summary/", flow_views.summary, name="book_summary"),
    path("book/confirm/", flow_views.confirm, name="book_confirm"),
    path("book/payment/", payment_views.check_payment, name="book_payment"),
    path("book/done/<str:token>/", flow_views.done, name="book_done"),
    # The client's own booking, from the signed link in their e-mail (bookings.links).
    path("appointments/<str:token>/", manage_views.manage, name="manage"),
    path("appointments/<str:token>/calendar.ics", manage_views.calendar, name="manage_calendar"),
    path("appointments/<str:token>/move/", manage_views.move, name="manage_move"),
    path("appointments/<str:token>/cancel/", manage_views.cancel, name="manage_cancel"),
    # The client's account (bookings.web.account_views): signed in by an e-mailed link, no password.
    path("account/", account_views.overview, name="account"),
    path("account/sign-in/", account_views.sign_in_request, name="account_sign_in_request"),
    path("account/sign-in/sent/", account_views.sign_in_sent, name="account_sign_in_sent"),
    path("account/sign-in/<str:token>/", account_views.sign_in_with_link, name="account_sign_in"),
    path("account/sign-out/", account_views.sign_out_view, name="account_sign_out"),
    path("account/data/", account_views.data, name="account_data"),
    path("account/data/export.json", account_views.export, name="account_export"),
    path("account/data/delete/", account_views.delete, name="account_delete"),
    # A gift certificate, from the signed link the buyer is e-mailed (bookings.certificate_links).
    path("certificates/<str:token>/", certificate_views.certificate, name="certificate"),
    # The waitlist (bookings.waitlist): join, the client's place, a time held for them (signed links).
    path("waitlist/", waitlist_views.join, name="waitlist_join"),
    path("waitlist/hold/<str:token>/", waitlist_views.hold, name="waitlist_hold"),
    path("waitlist/<str:token>/", waitlist_views.entry, name="waitlist_entry"),
    path("waitlist/<str:token>/leave/", waitlist_views.leave, name="waitlist_leave"),
]
