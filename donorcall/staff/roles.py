"""What each role may do. Deny by default: a permission not listed here is not granted.

The groups are rewritten from this table after every migrate, so the table is the truth.
Later capabilities add their permissions here.
"""

from django.contrib.auth.models import Group, Permission

from donorcall.staff.models import Role

AGENT = {"staff.use_call_center"}
MANAGER = AGENT | {"donors.view_donor", "donors.add_donor", "donors.change_donor"}
MANAGER |= {"donors.export_donor", "donors.add_consentevent"}
MANAGER |= {"donors.view_suppression", "donors.add_suppression"}
MANAGER |= {"donors.add_importjob", "donors.view_importjob"}
# Agents will take gifts on a call through the call screen's own actions, not these pages.
MANAGER |= {"giving.view_donation", "giving.add_donation", "giving.change_donation"}
MANAGER |= {"giving.view_regulargift", "giving.add_regulargift", "giving.change_regulargift"}
MANAGER |= {"giving.view_payment", "giving.add_payment", "giving.change_payment"}
# Campaigns and teams are the managers'; the Call Center's settings lists the administrator's.
MANAGER |= {"campaigns.view_campaign", "campaigns.add_campaign", "campaigns.change_campaign"}
MANAGER |= {"campaigns.view_team", "campaigns.add_team", "campaigns.change_team"}
# Call lists fill a campaign's queue: the managers'. Agents claim donors with use_call_center.
MANAGER |= {"campaigns.view_calllist", "campaigns.add_calllist", "campaigns.change_calllist"}
# The outbox: managers watch it, resend and email any donor; agents email from a call only.
MANAGER |= {"outbox.view_outgoingemail", "outbox.add_outgoingemail"}
MANAGER |= {"outbox.resend_outgoingemail"}
# Managers see and change every appointment; agents book theirs in a call (use_call_center).
MANAGER |= {"appointments.view_appointment", "appointments.add_appointment"}
MANAGER |= {"appointments.change_appointment"}
# The live view: watch the floor, act on agents (break, sign out, release), set its thresholds.
MANAGER |= {"supervision.view_live", "supervision.supervise_agent"}
MANAGER |= {"supervision.change_livethresholds"}
# Calls (correct an outcome, resolve a review) and the reports are the managers'.
MANAGER |= {"callcenter.view_call", "callcenter.change_call", "callcenter.view_reports"}
ADMINISTRATOR = MANAGER | {"staff.manage_staff"}
# Which team answers which number donors call (inbound calls).
ADMINISTRATOR |= {"telephony.view_phoneline", "telephony.add_phoneline"}
ADMINISTRATOR |= {"telephony.change_phoneline", "telephony.delete_phoneline"}
# Lifting a suppression, erasing a donor and the purposes list are the administrator's.
ADMINISTRATOR |= {"donors.change_suppression", "donors.erase_donor"}
ADMINISTRATOR |= {"donors.add_purpose", "donors.change_purpose"}
ADMINISTRATOR |= {"campaigns.view_skipreason", "campaigns.add_skipreason"}
ADMINISTRATOR |= {"campaigns.change_skipreason", "campaigns.view_breakreason"}
ADMINISTRATOR |= {"campaigns.add_breakreason", "campaigns.change_breakreason"}
# The five ended reasons are built in: administrators reword them but never add one.
ADMINISTRATOR |= {"campaigns.view_endedreason", "campaigns.change_endedreason"}
ADMINISTRATOR |= {"campaigns.view_disposition", "campaigns.add_disposition"}
ADMINISTRATOR |= {"campaigns.change_disposition"}
ADMINISTRATOR |= {"outbox.view_emailtemplate", "outbox.add_emailtemplate"}
ADMINISTRATOR |= {"outbox.change_emailtemplate"}

PERMISSIONS_BY_ROLE: dict[Role, set[str]] = {
    Role.AGENT: AGENT,
    Role.MANAGER: MANAGER,
    Role.ADMINISTRATOR: ADMINISTRATOR,
}


def sync_roles() -> None:
    """Make each role's group hold exactly the permissions in the table."""
    for role, codenames in PERMISSIONS_BY_ROLE.items():
        group, _ = Group.objects.get_or_create(name=role.value)
        group.permissions.set([permission(name) for name in sorted(codenames)])


def permission(dotted: str) -> Permission:
    app_label, codename = dotted.split(".")
    return Permission.objects.get(content_type__app_label=app_label, codename=codename)
