from django.urls import path

from . import views

app_name = "messaging"

urlpatterns = [
    path("preferences/", views.preferences, name="preferences"),
    path("defaults/", views.defaults, name="defaults"),
    path("deliveries/", views.delivery_log, name="deliveries"),
    path("deliveries/<dbid:pk>/retry/", views.delivery_retry, name="delivery_retry"),
]
