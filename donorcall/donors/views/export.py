"""CSV export of donors, or of a search result, for managers. A POST, so the search text stays
out of URLs; streamed, so a million donors do not sit in memory."""

import logging

from django.contrib.auth.decorators import permission_required
from django.http import StreamingHttpResponse
from django.views.decorators.http import require_POST

from donorcall.donors import queries
from donorcall.lib.clock import now
from donorcall.lib.http import AuthedRequest
from donorcall.lib.spreadsheet import csv_lines

log = logging.getLogger("donorcall.export")


@permission_required("donors.export_donor", raise_exception=True)
@require_POST
def donor_export(request: AuthedRequest) -> StreamingHttpResponse:
    text = request.POST.get("search_text", "").strip()
    donors = (
        queries.search_donors(request.user, text)
        if text
        else queries.donors_visible_to(request.user)
    )
    header, rows = queries.export_rows(donors)
    log.info("donor export by user %s (%s)", request.user.pk, "search" if text else "all donors")
    response = StreamingHttpResponse(csv_lines(header, rows), content_type="text/csv")
    filename = f"donors-{now():%Y%m%d-%H%M}.csv"
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response
