"""The staff area's views, thin: parse with a form, call a domain function or a selector, render.

Every view is wrapped in `staff.permissions.staff_view(...)`, which signs in, checks the
permission and sets `request.staff`; object-level checks go through `request.staff.check_can_see`.
"""
