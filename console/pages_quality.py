"""Quality pages: /quality (supervisors find calls, listen, score them: static/quality.js), /reviews (my
reviews) and /reviews/{id} (one review, server-rendered: an agent opens only the reviews of their own calls)."""

from __future__ import annotations

from aiohttp import web

from console.auth import home_page
from console.context import context_of
from console.pages import logged_in, render
from console.routes_quality import read_review
from console.schemas import DISPOSITION_CODES, MAX_DB_INT
from crm_core import reviews

routes = web.RouteTableDef()


@routes.get("/quality")
async def quality_page(request: web.Request) -> web.Response:
    identity = logged_in(request)
    if not identity.may("supervise"):
        return render("forbidden.html", status=403, title="Forbidden", user=identity)
    return render("quality.html", title="Quality review", user=identity, codes=DISPOSITION_CODES)


@routes.get("/reviews")
async def my_reviews_page(request: web.Request) -> web.Response:
    identity = logged_in(request)
    mine = await context_of(request).in_session(reviews.reviews_of_agent, identity.agent_id)
    return render("reviews.html", title="My reviews", user=identity, reviews=mine, home=home_page(identity))


@routes.get("/reviews/{review_id}")
async def review_page(request: web.Request) -> web.Response:
    identity = logged_in(request)
    text = request.match_info["review_id"]
    if not text.isascii() or not text.isdigit() or not 1 <= int(text) <= MAX_DB_INT:
        raise web.HTTPNotFound()
    try:
        review = await read_review(request, identity, int(text))
    except LookupError:
        raise web.HTTPNotFound() from None
    except PermissionError:
        return render("forbidden.html", status=403, title="Forbidden", user=identity,
                      message="This review is of another agent's call.")
    return render("review.html", title="Call review", user=identity, review=review, home=home_page(identity))
