"""What commands show: listings and their formats, the agenda, brief, share, ics, check, report."""
