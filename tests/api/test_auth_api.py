"""Tokens and ownership through the real app: 401 without a valid token, a token sees only
its own jobs (another owner's job answers 404, like a missing one), an admin sees all."""

from __future__ import annotations

import time
from collections.abc import Callable

from pybase.auth.service import hash_token, revoke_tokens
from tests.api.helpers import JOBS, Api, fake_bytes


def test_every_route_but_health_needs_a_token(api: Api) -> None:
    job_id = api.upload("a.pdf", fake_bytes("ok"), format="fake").json()["id"]
    routes = [
        ("GET", JOBS),
        ("POST", JOBS),
        ("GET", f"{JOBS}/{job_id}"),
        ("GET", f"{JOBS}/{job_id}/result"),
        ("GET", f"{JOBS}/{job_id}/events"),
        ("POST", f"{JOBS}/{job_id}/cancel"),
        ("POST", f"{JOBS}/{job_id}/retry"),
        ("DELETE", f"{JOBS}/{job_id}"),
        ("GET", "/metrics"),
    ]
    bad_headers = (
        {},
        {"Authorization": "Bearer pyb_not-a-real-token"},
        {"Authorization": "Basic eDp5"},
    )
    for headers in bad_headers:
        for method, url in routes:
            response = api.client.request(method, url, headers=headers)
            assert response.status_code == 401, (method, url, headers, response.text)
            assert response.json()["error"] == "unauthorized"
            assert response.headers["www-authenticate"] == "Bearer"
    assert api.client.get("/health").status_code == 200


def test_a_token_sees_only_its_own_jobs_and_an_admin_sees_all(api: Api) -> None:
    mine = api.upload("alice.pdf", fake_bytes("ok"), format="fake", params={"wait": 30}).json()
    theirs = api.upload("bob.pdf", fake_bytes("ok 2"), who="bob", format="fake").json()
    api.wait_for(theirs["id"], ["completed"], who="bob")
    bob = api.auth("bob")

    for method, suffix in (
        ("GET", ""),
        ("GET", "/result"),
        ("GET", "/events"),
        ("POST", "/cancel"),
        ("POST", "/retry"),
        ("DELETE", ""),
    ):
        response = api.client.request(method, f"{JOBS}/{mine['id']}{suffix}", headers=bob)
        assert response.status_code == 404, (method, suffix, response.text)
        assert response.json()["error"] == "job_not_found"
    assert api.get(mine["id"])["status"] == "completed"  # untouched

    bob_list = api.client.get(JOBS, headers=bob).json()["items"]
    assert [j["id"] for j in bob_list] == [theirs["id"]]
    admin_list = api.client.get(JOBS, headers=api.auth("root")).json()["items"]
    assert {j["id"] for j in admin_list} == {mine["id"], theirs["id"]}
    assert api.get(mine["id"], who="root")["owner"] == "alice"
    result = api.client.get(f"{JOBS}/{theirs['id']}/result", headers=api.auth("root"))
    assert result.status_code == 200
    deleted = api.client.delete(f"{JOBS}/{theirs['id']}", headers=api.auth("root"))
    assert deleted.status_code == 204


def test_revoked_token_is_refused_and_only_the_hash_is_stored(
    make_api: Callable[..., Api],
) -> None:
    from sqlalchemy import text

    api = make_api(auth_cache_seconds=0.5)
    token = api.tokens["bob"]
    assert api.client.get(JOBS, headers=api.auth("bob")).status_code == 200
    table = "api_tokens" if api.database.is_sqlite else "pybase.api_tokens"
    with api.database.session() as session:
        stored = session.execute(
            text(f"SELECT token_hash FROM {table} WHERE name = 'bob'")
        ).scalar_one()
        assert stored == hash_token(token) and token not in stored
        assert len(revoke_tokens(session, "bob")) == 1
    time.sleep(0.6)  # past the per-process token cache
    refused = api.client.get(JOBS, headers=api.auth("bob"))
    assert refused.status_code == 401 and refused.json()["detail"] == "unknown or revoked token"
    assert api.client.get(JOBS, headers=api.auth("alice")).status_code == 200


def test_metrics_need_an_admin_token(api: Api) -> None:
    response = api.client.get("/metrics", headers=api.auth("alice"))
    assert response.status_code == 403 and response.json()["error"] == "forbidden"
    assert api.client.get("/metrics", headers=api.auth("root")).status_code == 200


def test_auth_disabled_makes_every_caller_an_anonymous_admin(make_api: Callable[..., Api]) -> None:
    api = make_api(auth="disabled")
    owned = api.upload("a.pdf", fake_bytes("ok"), format="fake", params={"wait": 30}).json()
    assert owned["owner"] is None  # tokens are ignored: nobody owns anything
    anonymous = api.client.post(
        JOBS, files={"file": ("b.pdf", fake_bytes("ok b"))}, data={"format": "fake"}
    )
    assert anonymous.status_code == 202 and anonymous.json()["owner"] is None
    listed = api.client.get(JOBS).json()["items"]
    assert {j["id"] for j in listed} == {owned["id"], anonymous.json()["id"]}
    assert api.client.get("/metrics").status_code == 200
