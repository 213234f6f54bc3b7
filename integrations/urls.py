from django.urls import path

from . import views

app_name = "integrations"

urlpatterns = [
    path("", views.accounts, name="accounts"),
    path("accounts/<dbid:pk>/", views.account, name="account"),
    path("accounts/<dbid:pk>/revoke/", views.token_revoke, name="token_revoke"),
    path("accounts/<dbid:pk>/active/", views.account_active, name="account_active"),
]
