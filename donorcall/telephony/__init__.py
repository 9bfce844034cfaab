"""The port to phone systems (DESIGN.md "telephony/"): a phone system tells donorcall about
inbound calls (ringing, answered, ended) on a signed webhook; lines map called numbers to the
team that answers them. Agents still dial by clicking a tel: link (manual dialling first)."""
