"""Static checks of Trolley's deployment files; run through deploy/check-compose.sh.

Prints `ok`, `skip` or `FAIL` lines, one per check or problem, and exits 1 if any check
failed. Runs in the venv that check-compose.sh prepares (check-jsonschema, ruamel.yaml,
hadolint, shellcheck), from the repository root.
"""

from __future__ import annotations

import json
import re
import shutil
import socket
import subprocess
import sys
import tempfile
from fnmatch import fnmatch
from pathlib import Path

from ruamel.yaml import YAML

ROOT = Path(__file__).resolve().parent.parent
TOOLS = Path(sys.executable).parent
COMPOSE = "docker-compose.yml"
ENV_EXAMPLE = ".env.example"
NGINX_CONF = "deploy/nginx.conf"
PROXY_CONF = "deploy/trolley-proxy.conf"
NGINX_TEST_TEMPLATE = "deploy/nginx-test.conf.template"
# Read by env_logger (src/logging/), not by src/config/.
LOGGER_VARIABLES = {"RUST_LOG"}

failures = 0


def ok(message: str) -> None:
    print(f"ok   {message}")


def skip(message: str) -> None:
    print(f"skip {message}")


def fail(message: str) -> None:
    global failures
    failures += 1
    print(f"FAIL {message}")


def read(path: str) -> str:
    return (ROOT / path).read_text(encoding="utf-8")


# ---- docker-compose.yml ---------------------------------------------------------------


def check_schema() -> None:
    """The Compose Specification schema, as shipped by the pinned check-jsonschema."""
    run = subprocess.run(
        [str(TOOLS / "check-jsonschema"), "--builtin-schema", "vendor.compose-spec",
         "--output-format", "json", COMPOSE],
        cwd=ROOT, capture_output=True, text=True, check=False,
    )
    try:
        report = json.loads(run.stdout)
    except json.JSONDecodeError:
        fail(f"{COMPOSE}: check-jsonschema failed: {(run.stderr or run.stdout).strip()}")
        return
    problems = report.get("errors", []) + report.get("parse_errors", [])
    for problem in problems:
        where = problem.get("path") or ""
        fail(f"{COMPOSE}: {where}: {problem.get('message', problem)}".replace(": : ", ": "))
    if not problems and run.returncode == 0:
        ok(f"{COMPOSE} follows the Compose Specification schema")
    elif not problems:
        fail(f"{COMPOSE}: check-jsonschema exited {run.returncode}: {run.stderr.strip()}")


def load_compose() -> dict | None:
    try:
        data = YAML(typ="safe", pure=True).load(read(COMPOSE))
    except Exception as error:  # noqa: BLE001 - any parse error is the problem to report
        fail(f"{COMPOSE}: cannot be read as YAML: {error}".replace("\n", " "))
        return None
    if not isinstance(data, dict) or not isinstance(data.get("services"), dict):
        fail(f"{COMPOSE}: no services")
        return None
    return data


NAME = r"[A-Za-z_][A-Za-z0-9_]*"


def interpolations(text: str, where: str) -> set[str]:
    """The variables a compose string interpolates; a malformed `$` is a failure."""
    names: set[str] = set()
    i = 0
    while i < len(text):
        if text[i] != "$":
            i += 1
            continue
        if text.startswith("$$", i):
            i += 2
            continue
        if text.startswith("${", i):
            depth, j = 0, i
            while j < len(text):
                if text.startswith("${", j):
                    depth += 1
                    j += 2
                    continue
                if text[j] == "}":
                    depth -= 1
                    if depth == 0:
                        break
                j += 1
            inner = text[i + 2 : j]
            match = re.fullmatch(rf"({NAME})(?:(:?[-?+])(.*))?", inner, re.S)
            if j >= len(text) or not match:
                fail(f"{COMPOSE}: {where}: malformed interpolation in {text!r} "
                     "(write $$ for a literal $)")
                return names
            names.add(match.group(1))
            if match.group(3):
                names |= interpolations(match.group(3), where)
            i = j + 1
            continue
        match = re.match(NAME, text[i + 1 :])
        if not match:
            fail(f"{COMPOSE}: {where}: a lone $ in {text!r} (write $$ for a literal $)")
            return names
        names.add(match.group(0))
        i += 1 + len(match.group(0))
    return names


def walk_strings(node, where: str = "$"):
    if isinstance(node, dict):
        for key, value in node.items():
            yield from walk_strings(value, f"{where}.{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            yield from walk_strings(value, f"{where}[{index}]")
    elif isinstance(node, str):
        yield where, node


def documented_variables() -> set[str]:
    return set(re.findall(rf"^\s*#?\s*({NAME})=", read(ENV_EXAMPLE), re.M))


def trolley_variables() -> set[str]:
    """The variables Trolley reads: string literals in src/config/, and RUST_LOG."""
    sources = "".join(path.read_text(encoding="utf-8")
                      for path in sorted(ROOT.glob("src/config*.rs"))
                      + sorted(ROOT.glob("src/config/*.rs")))
    names = set(re.findall(r'"((?:DATABASE|TROLLEY)_[A-Z0-9_]+)"', sources))
    logging = read("src/main.rs") + "".join(
        path.read_text(encoding="utf-8") for path in sorted(ROOT.glob("src/logging/*.rs")))
    if "env_logger::Env::default()" in logging or '"RUST_LOG"' in logging:
        names |= LOGGER_VARIABLES
    return names


def environment_of(service: dict) -> dict[str, str | None]:
    env = service.get("environment") or {}
    if isinstance(env, list):
        pairs = (item.split("=", 1) for item in env)
        return {pair[0]: (pair[1] if len(pair) > 1 else None) for pair in pairs}
    return {str(key): (None if value is None else str(value)) for key, value in env.items()}


def app_services(compose: dict) -> dict[str, dict]:
    """The services built from this repository: the Trolley instances."""
    return {
        name: service for name, service in compose["services"].items()
        if isinstance(service, dict) and "build" in service
    }


def check_variables(compose: dict) -> dict[str, dict]:
    documented = documented_variables()
    used: set[str] = set()
    for where, text in walk_strings(compose):
        used |= interpolations(text, where)
    for name in sorted(used - documented):
        fail(f"{COMPOSE} interpolates ${{{name}}}, which {ENV_EXAMPLE} does not document")
    if used <= documented:
        ok(f"{COMPOSE}: every interpolated variable ({len(used)}) is in {ENV_EXAMPLE}")

    read_by_trolley = trolley_variables()
    if not {"DATABASE_URL", "TROLLEY_SECRET_KEY"} <= read_by_trolley:
        fail("src/config/: cannot find the variables Trolley reads "
             "(expected string literals such as \"DATABASE_URL\")")
        return {}
    for name in sorted(read_by_trolley - documented):
        fail(f"{ENV_EXAMPLE}: does not document {name}, which Trolley reads")

    apps = app_services(compose)
    before = failures
    if len(apps) < 2:
        fail(f"{COMPOSE}: expected at least two app services (with build:), found {len(apps)}")
    environments = {}
    for name, service in apps.items():
        if "env_file" in service:
            fail(f"{COMPOSE}: {name}: env_file passes variables unchecked; "
                 "list them under environment:")
        env = environment_of(service)
        environments[name] = env
        for variable in sorted(set(env) - read_by_trolley):
            fail(f"{COMPOSE}: {name}: passes {variable}, which Trolley does not read "
                 "(not in src/config/)")
        for required in ("DATABASE_URL", "TROLLEY_ADDR"):
            if not env.get(required):
                fail(f"{COMPOSE}: {name}: must set {required}")
        url = env.get("DATABASE_URL") or ""
        if url and not url.startswith(("postgres://", "postgresql://")):
            fail(f"{COMPOSE}: {name}: DATABASE_URL must be a postgres:// URL shared by all "
                 f"instances, not {url!r}")
        # Optional: without it the instances share the key kept in the database.
        key = env.get("TROLLEY_SECRET_KEY")
        if key != "${TROLLEY_SECRET_KEY:-}":
            fail(f"{COMPOSE}: {name}: TROLLEY_SECRET_KEY must be "
                 "${TROLLEY_SECRET_KEY:-}, from .env when set and never a literal")
    if len({json.dumps(env, sort_keys=True) for env in environments.values()}) > 1:
        fail(f"{COMPOSE}: the app services' environments differ: "
             "every instance needs the same database and secret key")
    if apps and failures == before:
        ok(f"{COMPOSE}: {', '.join(apps)} pass only variables Trolley reads")
    return apps


def check_mounts(compose: dict) -> None:
    for name, service in compose["services"].items():
        for volume in (service or {}).get("volumes") or []:
            source = volume.get("source") if isinstance(volume, dict) else volume.split(":")[0]
            if source and source.startswith((".", "/")) and not (ROOT / source).exists():
                fail(f"{COMPOSE}: {name}: mounts {source}, which does not exist")


# ---- nginx ----------------------------------------------------------------------------


def upstream_servers(conf: str) -> list[str]:
    block = re.search(r"upstream\s+trolley\s*\{(.*?)\}", conf, re.S)
    if not block:
        return []
    lines = (line.split("#", 1)[0] for line in block.group(1).splitlines())
    return re.findall(r"^\s*server\s+(\S+?)[\s;]", "\n".join(lines), re.M)


def check_upstreams(compose: dict, apps: dict[str, dict]) -> None:
    conf = read(NGINX_CONF)
    servers = upstream_servers(conf)
    if not servers:
        fail(f"{NGINX_CONF}: no `upstream trolley` block with servers")
        return
    before = failures
    for server in servers:
        host, _, port = server.rpartition(":")
        if host not in apps:
            fail(f"{NGINX_CONF}: upstream server {server} is not an app service "
                 f"of {COMPOSE} ({', '.join(apps)})")
            continue
        addr = environment_of(apps[host]).get("TROLLEY_ADDR") or ""
        if addr.rpartition(":")[2] != port:
            fail(f"{NGINX_CONF}: upstream server {server}, but {host} listens on {addr}")
    for name in sorted(set(apps) - {s.rpartition(":")[0] for s in servers}):
        fail(f"{NGINX_CONF}: app service {name} is missing from `upstream trolley`")
    proxy_mounts = {
        str(volume).split(":")[1]
        for service in compose["services"].values()
        if str((service or {}).get("image") or "").startswith("nginx")
        for volume in service.get("volumes") or []
        if isinstance(volume, str) and volume.count(":") >= 1
    }
    for include in re.findall(r"^\s*include\s+(\S+);", conf, re.M):
        if include not in proxy_mounts:
            fail(f"{NGINX_CONF}: includes {include}, which the proxy service does not mount")
    if "include" not in conf or PROXY_CONF.rsplit("/", 1)[1] not in conf:
        fail(f"{NGINX_CONF}: must include {PROXY_CONF}")
    if failures == before:
        ok(f"{NGINX_CONF}: upstreams {', '.join(servers)} match the app services")


TEMP_PATHS = ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")


def nginx_test(nginx: str, conf_text: str, prefix: Path, label: str) -> None:
    conf = prefix / "nginx.conf"
    conf.write_text(conf_text, encoding="utf-8")
    run = subprocess.run(
        [nginx, "-t", "-q", "-p", str(prefix), "-c", str(conf), "-e", str(prefix / "error.log")],
        capture_output=True, text=True, check=False,
    )
    # With -q only warnings and errors are printed: either is a failure.
    lines = [line for line in run.stderr.splitlines()
             if line.strip() and not line.endswith("test failed")]
    if run.returncode == 0 and not lines:
        ok(f"nginx -t: {label}")
        return
    for line in lines or [f"exited {run.returncode}"]:
        fail(f"nginx -t: {label}: {line}")


def free_port() -> int:
    """A port free on 127.0.0.1 now (nginx -t binds the ports it is told to listen on)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def check_nginx_syntax(apps: dict[str, dict]) -> None:
    nginx = shutil.which("nginx") or next(
        (p for p in ("/usr/sbin/nginx",) if Path(p).exists()), None)
    if not nginx:
        skip("nginx -t: nginx is not installed (apt-get install nginx)")
        return
    proxy_conf = str(ROOT / PROXY_CONF)
    with tempfile.TemporaryDirectory(prefix="trolley-nginx-") as tmp:
        # The test template, filled in as a test would.
        prefix = Path(tmp) / "test"
        prefix.mkdir()
        text = read(NGINX_TEST_TEMPLATE)
        for placeholder, value in {
            "@PREFIX@": str(prefix), "@PORT@": str(free_port()),
            "@UPSTREAM1@": "127.0.0.1:18081", "@UPSTREAM2@": "127.0.0.1:18082",
            "@PROXY_CONF@": proxy_conf,
        }.items():
            text = text.replace(placeholder, value)
        active = "\n".join(line.split("#", 1)[0] for line in text.splitlines())
        left = sorted(set(re.findall(r"@[A-Z0-9_]+@", active)))
        if left:
            fail(f"{NGINX_TEST_TEMPLATE}: unknown placeholders {', '.join(left)}")
        nginx_test(nginx, text, prefix, NGINX_TEST_TEMPLATE)

        # The compose configuration, with the service names mapped to 127.0.0.1, the
        # mounted include pointing at the repository's file, and /var kept out of it.
        prefix = Path(tmp) / "compose"
        prefix.mkdir()
        text = read(NGINX_CONF)
        for name in apps:
            text = re.sub(rf"(\bserver\s+){re.escape(name)}:", r"\g<1>127.0.0.1:", text)
        text = re.sub(r"(include\s+)\S*trolley-proxy\.conf;", rf"\g<1>{proxy_conf};", text)
        # nginx -t binds the listening sockets: port 80 needs root, so take a free one.
        text = re.sub(r"(^\s*listen\s+)[^;]+;", rf"\g<1>127.0.0.1:{free_port()};", text,
                      flags=re.M)
        temp = "".join(f"\n    {kind}_temp_path {prefix}/{kind}_temp;" for kind in TEMP_PATHS)
        text = re.sub(r"^http\s*\{", lambda m: m.group(0) + temp, text, count=1, flags=re.M)
        text = f"pid {prefix}/nginx.pid;\n" + text
        nginx_test(nginx, text, prefix, f"{NGINX_CONF} (app services as 127.0.0.1)")


# ---- Dockerfile -----------------------------------------------------------------------


def dockerignore_patterns() -> list[str]:
    path = ROOT / ".dockerignore"
    if not path.exists():
        return []
    lines = (line.strip() for line in path.read_text(encoding="utf-8").splitlines())
    return [line for line in lines if line and not line.startswith("#")]


def ignored(path: str, patterns: list[str]) -> bool:
    """Docker's rules, simplified: the last matching pattern wins, `!` re-includes."""
    result = False
    for pattern in patterns:
        negate = pattern.startswith("!")
        pattern = pattern.lstrip("!").strip("/")
        if fnmatch(path, pattern) or fnmatch(path, pattern.removeprefix("**/")):
            result = not negate
    return result


def check_dockerfile() -> None:
    text = read("Dockerfile")
    run = subprocess.run([str(TOOLS / "hadolint"), "--no-color", "Dockerfile"],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    for line in (run.stdout + run.stderr).splitlines():
        if line.strip():
            fail(f"hadolint: {line}")
    if run.returncode == 0:
        ok("hadolint: Dockerfile")

    # What COPY takes from the build context must exist and not be in .dockerignore.
    patterns = dockerignore_patterns()
    joined = re.sub(r"\\\n", " ", text)
    copied: set[str] = set()
    for line in joined.splitlines():
        words = line.split()
        if not words or words[0].upper() != "COPY" or any(
                w.startswith("--from") for w in words):
            continue
        sources = [w for w in words[1:-1] if not w.startswith("--")]
        for source in sources:
            source = source.strip("/").removeprefix("./")
            copied.add(source)
            if not (ROOT / source).exists():
                fail(f"Dockerfile: COPY {source}, which does not exist")
            elif ignored(source, patterns):
                fail(f"Dockerfile: COPY {source}, but .dockerignore leaves it out")

    # Targets that Cargo.toml declares must be in the context even when only the binary is
    # built: Cargo refuses a manifest whose declared target files are missing.
    try:
        import tomllib
    except ImportError:  # Python < 3.11
        tomllib = None
    if tomllib is not None:
        manifest = tomllib.loads(read("Cargo.toml"))
        for kind in ("lib", "bin", "test", "bench", "example"):
            targets = manifest.get(kind) or []
            for target in targets if isinstance(targets, list) else [targets]:
                path = str(target.get("path") or "").removeprefix("./")
                if path and (ignored(path, patterns)
                             or ignored(path.split("/")[0], patterns)):
                    fail(f"Dockerfile: Cargo.toml declares the {kind} target {path}, "
                         "which .dockerignore leaves out of the build")

    # Directories compiled into the binary (include_str!, embed_migrations!) are copied.
    needed = set()
    for rust in (ROOT / "src").rglob("*.rs"):
        source = rust.read_text(encoding="utf-8")
        for included in re.findall(r'include_(?:str|bytes)!\("([^"]+)"\)', source):
            resolved = (rust.parent / included).resolve()
            try:
                needed.add(resolved.relative_to(ROOT).parts[0])
            except ValueError:
                pass
        needed |= {m.split("/")[0] for m in re.findall(r'embed_migrations!\("([^"]+)"\)', source)}
    # `COPY . .` takes the whole context: then only .dockerignore can leave one out.
    missing = {d for d in needed if ignored(d, patterns)} if "." in copied else needed - copied
    for directory in sorted(missing):
        fail(f"Dockerfile: the build needs {directory}/ (compiled into the binary) "
             "but does not COPY it, or .dockerignore leaves it out")
    if not missing:
        ok(f"Dockerfile copies what the binary embeds ({', '.join(sorted(needed))})")


def check_shell() -> None:
    scripts = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "deploy").glob("*.sh"))
    run = subprocess.run([str(TOOLS / "shellcheck"), "--format=gcc", *scripts],
                         cwd=ROOT, capture_output=True, text=True, check=False)
    for line in (run.stdout + run.stderr).splitlines():
        if line.strip():
            fail(f"shellcheck: {line}")
    if run.returncode == 0:
        ok(f"shellcheck: {', '.join(scripts)}")


def main() -> int:
    check_schema()
    compose = load_compose()
    if compose is not None:
        apps = check_variables(compose)
        check_mounts(compose)
        if apps:
            check_upstreams(compose, apps)
            check_nginx_syntax(apps)
    check_dockerfile()
    check_shell()
    if failures:
        print(f"deployment checks: {failures} problem(s)")
        return 1
    print("deployment checks: all passed")
    return 0


if __name__ == "__main__":
    sys.exit(main())
