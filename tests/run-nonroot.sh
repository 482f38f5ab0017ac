#!/bin/sh
# The sandbox and attack suites as an ordinary user (make test-nonroot; issue 9).
# Instructors rarely grade as root; CI does. As root: make an unprivileged system user (no login)
# if missing and run the suites as that user, with a private HOME/TMPDIR and read access to the
# checkout and the venv. Not root: run them directly.
set -eu
cd "$(dirname "$0")/.."
VENV_PY="$PWD/.venv/bin/python"
TESTS="tests/test_sandbox_host.py tests/test_sandbox.py tests/test_sandbox_attacks.py"
USER_NAME="${AUTOGRADER_NONROOT_USER:-autograder-nonroot}"
export AUTOGRADER_REQUIRE_SANDBOX=1 PYTHONDONTWRITEBYTECODE=1

if [ "$(id -u)" != 0 ]; then
  exec "$VENV_PY" -m pytest -p no:cacheprovider -q -rs $TESTS "$@"
fi

id -u "$USER_NAME" >/dev/null 2>&1 || useradd --system --no-create-home --shell /usr/sbin/nologin "$USER_NAME"
work=$(mktemp -d /tmp/autograder-nonroot.XXXXXX)
trap 'rm -rf "$work"' EXIT
chmod 755 "$work"
py="$VENV_PY"
site=$("$VENV_PY" -c 'import sysconfig; print(sysconfig.get_path("purelib"))')
if ! runuser -u "$USER_NAME" -- test -r "$PWD/pyproject.toml" -a -r "$site/pandas/__init__.py"; then
  # The checkout or its venv is out of the user's reach (a clone under /root, say). Rather than
  # open up a private folder, run from copies: the tracked files and the venv's packages, with the
  # editable install pointed at the copy.
  echo "==> the checkout is not readable by $USER_NAME: copying it and the venv's packages to $work"
  mkdir "$work/src"
  git ls-files -z | tar --null -T - -cf - | tar -xf - -C "$work/src"
  cp -a "$site" "$work/site-packages"
  sed -i "s#$PWD#$work/src#g" "$work/site-packages"/*.pth
  chmod -R a+rX "$work/src" "$work/site-packages"
  site="$work/site-packages"  # the sandbox binds the folders named site-packages on sys.path
  cd "$work/src"
fi
if ! runuser -u "$USER_NAME" -- "$py" -c '' 2>/dev/null; then
  # The venv's interpreter is out of the user's reach (pyenv under /root, say). Rather than open up
  # root's home, use a view: a venv of the system's Python of the same version whose only package
  # folder is the project venv's (same CPython minor version, so the same compiled extensions).
  version=$("$VENV_PY" -c 'import sys; print(f"{sys.version_info[0]}.{sys.version_info[1]}")')
  "/usr/bin/python$version" -m venv --without-pip "$work/venv"
  echo "import site; site.addsitedir('$site')" > "$work/venv/lib/python$version/site-packages/autograder-view.pth"
  py="$work/venv/bin/python"
fi
mkdir -p "$work/home"
chown "$USER_NAME" "$work/home"
echo "==> sandbox and attack suites as the unprivileged user $USER_NAME ($py)"
runuser -u "$USER_NAME" -- env HOME="$work/home" TMPDIR="$work/home" PATH="$(dirname "$py"):/usr/bin:/bin" \
  AUTOGRADER_REQUIRE_SANDBOX=1 PYTHONDONTWRITEBYTECODE=1 \
  "$py" -m pytest -p no:cacheprovider -q -rs $TESTS "$@"
