from django.urls import path

from intake import views

app_name = "intake"

urlpatterns = [
    path("intake/", views.questionnaire, name="questionnaire"),
    path("intake/returning/", views.returning_request, name="returning_request"),
    path("intake/returning/sent/", views.returning_sent, name="returning_sent"),
    path("intake/continue/<str:token>/", views.returning, name="returning"),
    path("intake/continue/<str:token>/update/", views.returning_update, name="returning_update"),
    path("intake/result/<str:token>/", views.result, name="result"),
]
