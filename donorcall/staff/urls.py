from django.urls import path

from . import views

app_name = "staff"

urlpatterns = [
    path("login/", views.sign_in, name="login"),
    path("logout/", views.sign_out, name="logout"),
    path("settings/staff/", views.staff_list, name="staff-list"),
    path("settings/staff/new/", views.user_create, name="user-create"),
    path("settings/staff/<int:pk>/", views.user_edit, name="user-edit"),
    path("settings/staff/<int:pk>/password/", views.user_password, name="user-password"),
    path("settings/staff/<int:pk>/active/", views.user_active, name="user-active"),
    path("settings/job-roles/new/", views.job_role_edit, name="job-role-create"),
    path("settings/job-roles/<int:pk>/", views.job_role_edit, name="job-role-edit"),
]
