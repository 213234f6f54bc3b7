from django.urls import path

from . import views

app_name = "help"

urlpatterns = [
    path("", views.index, name="index"),
    path("<slug:role>/", views.role_manual, name="role"),
    path("<slug:role>/pdf/", views.role_manual_pdf, name="role_pdf"),
]
