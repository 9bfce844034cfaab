from django.urls import include, path

from donorcall.api.api import api
from donorcall.staff import views as staff_views

urlpatterns = [
    path("", staff_views.home, name="home"),
    path("", include("donorcall.staff.urls")),
    path("donors/<int:pk>/giving/", include("donorcall.giving.urls")),
    path("giving/gateway/", include("donorcall.giving.gateway_urls")),
    path("donors/", include("donorcall.donors.urls")),
    path("", include("donorcall.campaigns.urls")),
    path("call-center/", include("donorcall.callcenter.urls")),
    path("appointments/", include("donorcall.appointments.urls")),
    path("", include("donorcall.outbox.urls")),
    path("", include("donorcall.supervision.urls")),
    path("", include("donorcall.telephony.urls")),
    path("api/v1/", api.urls),
]
