"""The FastAGI server over a real socket, with this test playing Asterisk's side of the protocol."""

from __future__ import annotations

import asyncio
import socket

from agi.channel import FastAgiChannel
from agi.server import FastAgiServer
from crm_core import calls
from crm_core.db import Database
from crm_core.models import Investor, InvestorPhone
from tests.support.ports import free_port


def converse(port: int, env: dict[str, str], answers: dict[str, str] | None = None) -> list[str]:
    """Send the AGI environment, answer each command with 200, return the commands received."""
    with socket.create_connection(("127.0.0.1", port), timeout=10) as sock:
        return converse_on(sock, env, answers)


def converse_on(sock: socket.socket, env: dict[str, str], answers: dict[str, str] | None = None) -> list[str]:
    answers = answers or {}
    commands = []
    with sock.makefile("rw", encoding="utf-8", newline="\n") as stream:
        for key, value in env.items():
            stream.write(f"{key}: {value}\n")
        stream.write("\n")
        stream.flush()
        for line in stream:
            command = line.strip()
            commands.append(command)
            variable = command.split('"')[1] if command.startswith("GET VARIABLE") else None
            if variable in answers:
                stream.write(f"200 result=1 ({answers[variable]})\n")
            elif variable is not None:
                stream.write("200 result=0\n")
            else:
                stream.write("200 result=1\n")
            stream.flush()
    return commands


def variables_set(commands: list[str]) -> dict[str, str]:
    """What Asterisk would set: SET VARIABLE "name" "value", or EXEC MSet "name=value,name=value"."""
    found = {}
    for command in commands:
        if command.startswith("SET VARIABLE"):
            parts = command.split('"')
            found[parts[1]] = parts[3]
        elif command.startswith("EXEC MSet"):
            found.update(pair.split("=", 1) for pair in command.split('"')[1].split(","))
    return found


def add_investor(database: Database, phone: str, account: str, vip: bool) -> int:
    with database.session() as session:
        investor = Investor(account_number=account, name="Wang Fang", investor_class="professional", language="en",
                            vip=vip)
        session.add(investor)
        session.flush()
        session.add(InvestorPhone(investor_id=investor.id, number=phone))
        return investor.id


def test_known_number_sets_customer_variables_and_opens_the_call(agi_server: FastAgiServer,
                                                                 database: Database) -> None:
    investor_id = add_investor(database, "13800000001", "100000001", vip=True)
    commands = converse(agi_server.server_address[1], {
        "agi_network_script": "identify_caller", "agi_callerid": "+8613800000001", "agi_uniqueid": "1700.1",
        "agi_extension": "95500"})
    found = variables_set(commands)
    assert found["HOTLINE_CUSTOMER_ID"] == str(investor_id)
    assert found["HOTLINE_VIP"] == "1" and found["HOTLINE_LANGUAGE"] == "en"
    assert found["HOTLINE_LOOKUP_STATUS"] == "found"
    with database.session() as session:
        call = calls.get_call(session, found["__HOTLINE_CALL_ID"])
        assert call.investor_id == investor_id and call.caller_number == "+8613800000001"


def test_unknown_number_then_account(agi_server: FastAgiServer, database: Database) -> None:
    investor_id = add_investor(database, "13800000009", "100000009", vip=False)
    port = agi_server.server_address[1]
    first = variables_set(converse(port, {"agi_network_script": "identify_caller", "agi_callerid": "13999999999",
                                          "agi_uniqueid": "1700.2", "agi_extension": "95500"}))
    assert first["HOTLINE_LOOKUP_STATUS"] == "not_found" and "HOTLINE_CUSTOMER_ID" not in first
    keyed = {"HOTLINE_ACCOUNT_INPUT": "100000009", "HOTLINE_CALL_ID": first["__HOTLINE_CALL_ID"]}
    second = variables_set(converse(port, {"agi_network_script": "identify_account"}, keyed))
    assert second["HOTLINE_CUSTOMER_ID"] == str(investor_id) and second["HOTLINE_IDENTIFIED_BY"] == "account"


def test_garbage_caller_id_and_unknown_script_fail_clearly(agi_server: FastAgiServer) -> None:
    port = agi_server.server_address[1]
    found = variables_set(converse(port, {"agi_network_script": "identify_caller", "agi_callerid": "'; DROP",
                                          "agi_uniqueid": "1700.3", "agi_extension": "95500"}))
    assert found["HOTLINE_LOOKUP_STATUS"] == "not_found"
    unknown = variables_set(converse(port, {"agi_network_script": "format_disk"}))
    assert unknown == {"HOTLINE_LOOKUP_STATUS": "error"}


def test_dead_database_reports_error_to_the_dialplan(database: Database) -> None:
    dead = Database("postgresql+psycopg2://nobody@127.0.0.1:1/none")
    server = FastAgiServer(free_port(), dead)
    server.start_in_thread()
    try:
        found = variables_set(converse(server.server_address[1], {
            "agi_network_script": "identify_caller", "agi_callerid": "13800000001", "agi_uniqueid": "1.4",
            "agi_extension": "95500"}))
        assert found == {"HOTLINE_LOOKUP_STATUS": "error"}
    finally:
        server.shutdown()
        server.server_close()
        dead.dispose()


def test_a_burst_of_calls_is_queued_not_refused(database: Database) -> None:
    """Asterisk gives a FastAGI connect 2 s. Forty calls connect while the server is not yet accepting
    (as when every worker is busy): each connect must still complete at once (a short listen backlog drops
    them), and each is served once the server catches up."""
    add_investor(database, "13800000001", "100000001", vip=False)
    server = FastAgiServer(free_port(), database)
    sockets = []
    try:
        for _ in range(40):
            sock = socket.create_connection(("127.0.0.1", server.server_address[1]), timeout=2)
            sock.sendall(b"agi_network_script: identify_caller\nagi_callerid: 13800000001\nagi_uniqueid: 1\n")
            sockets.append(sock)
        server.start_in_thread()
        for n, sock in enumerate(sockets):
            sock.settimeout(10)
            found = variables_set(converse_on(sock, {"agi_extension": "95500"}))
            assert found["HOTLINE_LOOKUP_STATUS"] == "found", n
    finally:
        for sock in sockets:
            sock.close()
        server.shutdown()
        server.server_close()


class _Sent:
    """The writing end of a stream, keeping what was written."""

    def __init__(self) -> None:
        self.data = b""

    def write(self, data: bytes) -> None:
        self.data += data

    async def drain(self) -> None:
        pass


def test_variables_go_in_one_round_trip_unless_a_value_would_split() -> None:
    def commands_for(variables: dict[str, str]) -> list[str]:
        async def run() -> list[str]:
            reader = asyncio.StreamReader()
            reader.feed_data(b"200 result=0\n" * 3)
            sent = _Sent()
            await FastAgiChannel(reader, sent).set_variables(variables)  # type: ignore[arg-type]
            return sent.data.decode().splitlines()

        return asyncio.run(run())

    assert commands_for({"__HOTLINE_CALL_ID": "ab12", "HOTLINE_VIP": "1"}) == [
        'EXEC MSet "__HOTLINE_CALL_ID=ab12,HOTLINE_VIP=1"']
    assert commands_for({"HOTLINE_CUSTOMER_CLASS": "a,b", "HOTLINE_VIP": "1"}) == [
        'SET VARIABLE "HOTLINE_CUSTOMER_CLASS" "a,b"', 'SET VARIABLE "HOTLINE_VIP" "1"']
