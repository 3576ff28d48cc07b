#!/usr/bin/env bash
# Run a command (the test suite) and fail if it left anything behind:
#   bash .ci/check-clean.sh npm test
#
# 1. The working tree: every file of the repository except .git/, node_modules/ (vite/vitest keep
#    their caches there) and .turbo/ (turbo's own task logs, written by `turbo run`, not by tests),
#    listed before and after — tracked, untracked and ignored alike, so a test that writes into a
#    package's dist/ (ignored by git) is caught. Files are compared by size and mtime, dist/ by
#    content (turbo replays cached builds into dist/ during `npm test`; see tree_listing).
#    `git status --porcelain` before and after as well (what git itself sees).
# 2. Temp files: the command runs with TMPDIR set to a fresh private folder, which must be empty
#    afterwards (os.tmpdir() and mkdtemp honour TMPDIR), so only files created by the command are
#    ever counted: nothing else on the machine is ignored or blamed. The system temp folder (the
#    TMPDIR we were given, else /tmp) is also listed, top level, before and after, for code that
#    writes there by a hard-coded path; an entry that appears there meanwhile fails the check
#    unless it matches CHECK_CLEAN_TMP_IGNORE (an extended regex, unset by default: set it only
#    for a process outside the tests that is known to write there, and say why where you set it).
#
# Exit status: the command's if it failed; else 1 if anything was left behind (listed), else 0.
set -uo pipefail
cd "$(dirname "$0")/.."
if [ $# -eq 0 ]; then
  echo "usage: $0 <command> [args...]" >&2
  exit 2
fi

system_tmp="${TMPDIR:-/tmp}"
system_tmp="${system_tmp%/}"
work="$(mktemp -d "$system_tmp/selfevo-check-clean.XXXXXX")"
private_tmp="$work/tmp"
mkdir "$private_tmp"

tree_listing() {
  # Build outputs (*/dist/*) by content: `npm test` runs turbo's test task, which depends on
  # build, and turbo replays a cached build by rewriting the same bytes into dist/ — a new mtime
  # there is not a test's doing, a new content is. Everything else by size and mtime.
  find . -path ./.git -prune -o -name node_modules -prune -o -name .turbo -prune -o \
    -path '*/dist/*' -type f -print0 | xargs -0 -r sha1sum | awk '{ print $2 "\tsha1:" $1 }' >"$work/dist.list"
  { cat "$work/dist.list"
    find . -path ./.git -prune -o -name node_modules -prune -o -name .turbo -prune -o -path '*/dist/*' -prune -o \
      -type f -printf '%p\t%s\t%T@\n' -o -type l -printf '%p\t->%l\n'
  } | LC_ALL=C sort
}
tmp_listing() {
  find "$system_tmp" -mindepth 1 -maxdepth 1 ! -path "$work" -printf '%p\n' 2>/dev/null | LC_ALL=C sort
}

tree_listing >"$work/tree.before"
git status --porcelain --untracked-files=all >"$work/git.before"
tmp_listing >"$work/tmp.before"

TMPDIR="$private_tmp" TMP="$private_tmp" TEMP="$private_tmp" "$@"
status=$?

tree_listing >"$work/tree.after"
git status --porcelain --untracked-files=all >"$work/git.after"
tmp_listing >"$work/tmp.after"

dirty=0
report() {
  echo "check-clean: $1" >&2
  sed 's/^/  /' >&2
  dirty=1
}
# Changed or new files print their after line, removed ones their before line.
changed="$(LC_ALL=C comm -13 "$work/tree.before" "$work/tree.after")"
removed="$(LC_ALL=C comm -23 <(cut -f1 "$work/tree.before") <(cut -f1 "$work/tree.after"))"
[ -n "$changed" ] && report "files written in the working tree (path, size and mtime, or content hash):" <<<"$changed"
[ -n "$removed" ] && report "files removed from the working tree:" <<<"$removed"
if ! cmp -s "$work/git.before" "$work/git.after"; then
  diff "$work/git.before" "$work/git.after" | grep '^[<>]' | report "git status --porcelain changed (< before, > after):"
fi
# tsx (which runs the tests' TypeScript child processes) keeps a compile cache in $TMPDIR/tsx-<uid>,
# keyed by file content and reused by the next run: a tool's cache, not a test's output.
left="$(find "$private_tmp" -mindepth 1 -maxdepth 2 -printf '%p\n' 2>/dev/null | LC_ALL=C sort | sed "s|^$private_tmp|\$TMPDIR|" |
  grep -Ev '^\$TMPDIR/tsx-[0-9]+(/|$)' || true)"
[ -n "$left" ] && report "left in the temp folder (TMPDIR, depth ≤ 2):" <<<"$left"
new_tmp="$(LC_ALL=C comm -13 "$work/tmp.before" "$work/tmp.after")"
if [ -n "${CHECK_CLEAN_TMP_IGNORE:-}" ] && [ -n "$new_tmp" ]; then
  new_tmp="$(grep -Ev -- "$CHECK_CLEAN_TMP_IGNORE" <<<"$new_tmp" || true)"
fi
[ -n "$new_tmp" ] && report "new in $system_tmp (written by a hard-coded path, not TMPDIR):" <<<"$new_tmp"

rm -rf "$work"
if [ "$status" -ne 0 ]; then
  [ "$dirty" -eq 1 ] && echo "check-clean: (the command itself failed with status $status)" >&2
  exit "$status"
fi
if [ "$dirty" -eq 1 ]; then
  echo "check-clean: FAILED: the tests must write only inside their own temp folders and remove them" >&2
  exit 1
fi
echo "check-clean: the working tree and the temp folders are as before"
