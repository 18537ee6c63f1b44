"""The survey's web form, opened from the link of a survey e-mail or SMS (crm_core.surveys.links): no login,
the link's token is the key. One question a page, so that the survey's branching is followed as on the phone;
an unknown, expired or used link gets a page that says so.

    GET  /survey/{token}   the question to answer now (or the thanks)
    POST /survey/{token}   question=<id>&key=<choice>: stored, then back to GET (303), or the thanks after the
                           last answer (the link is used up); a refused answer: the page again with why, 422
"""

from __future__ import annotations

from typing import Any

from aiohttp import web
from sqlalchemy.orm import Session

from crm_core.surveys import links
from crm_core.surveys.definition import END
from crm_core.surveys.links import LinkClosed, Opened
from crm_core.surveys.web_form import FormError, choices, limits
from portal.context import PortalContext, context_of
from portal.pages import render

routes = web.RouteTableDef()
CLOSED_STATUS = {"unknown": 404, "expired": 410, "used": 410}
PRIVATE = {"Cache-Control": "no-store", "Referrer-Policy": "no-referrer"}  # the token is in the address


@routes.get("/survey/{token}")
async def survey_page(request: web.Request) -> web.Response:
    ctx = context_of(request)
    try:
        state = await ctx.in_session(_opened, ctx, request.match_info["token"])
    except LinkClosed as closed:
        return _closed(closed.reason)
    return _page(state)


@routes.post("/survey/{token}")
async def survey_answer(request: web.Request) -> web.Response:
    ctx = context_of(request)
    token = request.match_info["token"]
    form = await request.post()
    question, key = form.get("question"), form.get("key")
    try:
        if not isinstance(question, str) or not isinstance(key, str):
            raise FormError("choose one of the answers")
        state = await ctx.in_session(_answer, ctx, token, question, key)
    except LinkClosed as closed:
        return _closed(closed.reason)
    except FormError as refused:
        try:
            state = await ctx.in_session(_opened, ctx, token)
        except LinkClosed as closed:
            return _closed(closed.reason)
        return _page(state, error=str(refused), status=422)
    if state.question == END:
        return _page(state)  # the thanks, here: the link is used up now
    raise web.HTTPSeeOther(f"/survey/{token}", headers=PRIVATE)


def _page(state: Opened, *, error: str = "", status: int = 200) -> web.Response:
    language = state.language if state.language in ("zh", "en") else "zh"
    values: dict[str, Any] = {"title": state.survey.title or "Survey", "client": None, "error": error,
                              "intro": state.survey.intro[language], "limits": limits(state.survey), "done": False}
    if state.question == END:
        values.update(done=True, thanks=state.survey.thanks[language])
    else:
        question = state.survey.question(state.question)
        values.update(question=question.id, text=question.text[language], choices=choices(question),
                      answered=len(state.answers))
    response = render("survey.html", status=status, **values)
    response.headers.update(PRIVATE)
    return response


def _closed(reason: str) -> web.Response:
    response = render("survey_closed.html", status=CLOSED_STATUS[reason], title="Survey", client=None, reason=reason)
    response.headers.update(PRIVATE)
    return response


def _opened(session: Session, ctx: PortalContext, token: str) -> Opened:
    return links.opened(session, token, ctx.clock())


def _answer(session: Session, ctx: PortalContext, token: str, question: str, key: str) -> Opened:
    return links.answer(session, token, question, key, ctx.clock())
