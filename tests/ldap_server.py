"""A real OpenLDAP server (Debian's slapd) for the directory sign-on tests.

The test writes its own slapd.conf and database into a temporary directory, loads the entries with
slapadd and starts slapd on a free loopback port; nothing of the machine's own LDAP setup is used.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

SUFFIX = "dc=example,dc=gov"
ADMIN_DN = f"cn=admin,{SUFFIX}"
ADMIN_PASSWORD = "directory-admin-pw"
PEOPLE = f"ou=people,{SUFFIX}"

SLAPD = shutil.which("slapd") or "/usr/sbin/slapd"
SLAPADD = shutil.which("slapadd") or "/usr/sbin/slapadd"
SCHEMA_DIR = Path("/etc/ldap/schema")
MODULE_DIR = Path("/usr/lib/ldap")


@dataclass
class Person:
    uid: str
    password: str
    name: str
    employee_number: str = ""


@dataclass
class LdapServer:
    uri: str
    process: subprocess.Popen

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _config(directory: Path) -> str:
    schemas = "\n".join(f"include {SCHEMA_DIR / name}.schema" for name in ("core", "cosine", "inetorgperson"))
    return f"""{schemas}
pidfile {directory / "slapd.pid"}
modulepath {MODULE_DIR}
moduleload back_mdb
database mdb
maxsize 10485760
suffix "{SUFFIX}"
rootdn "{ADMIN_DN}"
rootpw {ADMIN_PASSWORD}
directory {directory / "data"}
access to attrs=userPassword by self write by anonymous auth by * none
access to * by * read
"""


def _entries(people: list[Person]) -> str:
    blocks = [
        f"dn: {SUFFIX}\nobjectClass: dcObject\nobjectClass: organization\ndc: example\no: example",
        f"dn: {PEOPLE}\nobjectClass: organizationalUnit\nou: people",
    ]
    for person in people:
        block = (
            f"dn: uid={person.uid},{PEOPLE}\nobjectClass: inetOrgPerson\nuid: {person.uid}\n"
            f"cn:: {_b64(person.name)}\nsn:: {_b64(person.name[:1])}\nuserPassword: {person.password}"
        )
        if person.employee_number:
            block += f"\nemployeeNumber: {person.employee_number}"
        blocks.append(block)
    return "\n\n".join(blocks) + "\n"


def _b64(text: str) -> str:
    import base64

    return base64.b64encode(text.encode()).decode()


def start(directory: Path, people: list[Person]) -> LdapServer:
    """Write the configuration and entries, load them, start slapd and wait until it answers."""
    (directory / "data").mkdir(parents=True)
    config = directory / "slapd.conf"
    config.write_text(_config(directory))
    ldif = directory / "entries.ldif"
    ldif.write_text(_entries(people), encoding="utf-8")
    subprocess.run([SLAPADD, "-f", str(config), "-l", str(ldif)], check=True, capture_output=True)
    port = _free_port()
    uri = f"ldap://127.0.0.1:{port}"
    process = subprocess.Popen(
        [SLAPD, "-d", "0", "-f", str(config), "-h", uri],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    deadline = time.monotonic() + 15
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"slapd exited: {process.stderr.read().decode() if process.stderr else ''}")
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=0.2):
                return LdapServer(uri=uri, process=process)
        except OSError:
            time.sleep(0.05)
    process.kill()
    raise RuntimeError("slapd did not start listening")
