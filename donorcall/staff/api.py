from django.http import HttpRequest
from ninja import Router, Schema

router = Router(tags=["staff"])


class Me(Schema):
    id: int
    username: str
    name: str
    role: str | None
    permissions: list[str]


@router.get("/me", response=Me)
def me(request: HttpRequest) -> Me:
    user = request.auth  # type: ignore[attr-defined]
    return Me(
        id=user.pk,
        username=user.username,
        name=user.display_name,
        role=user.role,
        permissions=sorted(user.get_all_permissions()),
    )
