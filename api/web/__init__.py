"""The planners' pages at ``/``: server-rendered Jinja2 templates over the service's own routes.

``session`` signs in (the token in an HttpOnly cookie) and guards forms (CSRF, origin);
``render`` draws a page with the security headers every page carries; ``forms`` turns the
what-if and sweep forms into the API's request bodies; ``charts`` draws the library's charts
as SVG; ``pages`` holds the routes. Nothing here re-implements a route: each page action calls
the API route function that a client would call.
"""
