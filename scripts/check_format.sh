#!/usr/bin/env bash
# Checks with clang-format-14 and the repository's .clang-format that C++ files (.cpp, .hpp) are
# formatted; prints those that are not and exits 1.
#
#     scripts/check_format.sh          # every C++ file of the checkout (what CI runs)
#     scripts/check_format.sh BASE     # only those changed since BASE, uncommitted ones included
#
# BASE is any commit or branch git understands; files are compared with the merge-base of BASE and
# HEAD. A whole tree that is formatted stays so only if every change is, so CI checks them all: a
# clone of the submitted commit has nothing to compare with.
set -euo pipefail
cd "$(dirname "$0")/.."

if ! command -v clang-format-14 >/dev/null 2>&1; then
    scripts/install-deps.sh
fi

cpp_only() {
    grep -E '\.(cpp|hpp)$' || true
}

base="${1:-}"
if [ -n "$base" ]; then
    git rev-parse --verify --quiet "$base^{commit}" >/dev/null || {
        echo "check_format: $base is not a commit" >&2
        exit 2
    }
    base="$(git merge-base HEAD "$base")" || {
        echo "check_format: $1 and HEAD have no common ancestor" >&2
        exit 2
    }
fi

if [ -n "$base" ]; then
    # Deleted files are gone; renamed and copied ones are checked under their new names.
    files="$({
        git diff --name-only --diff-filter=d "$base" --
        git ls-files --others --exclude-standard
    } | cpp_only | sort -u)"
    what="changed since $(git rev-parse --short "$base")"
elif git rev-parse --git-dir >/dev/null 2>&1; then
    files="$({
        git ls-files
        git ls-files --others --exclude-standard
    } | cpp_only | sort -u)"
    what="in the checkout"
else
    files="$(find . -path ./build -prune -o -type f \( -name '*.cpp' -o -name '*.hpp' \) -print |
        sed 's|^\./||' | sort)"
    what="in the folder (not a git checkout)"
fi

unformatted=()
checked=0
while IFS= read -r file; do
    if [ -z "$file" ] || [ ! -f "$file" ]; then
        continue
    fi
    checked=$((checked + 1))
    if ! clang-format-14 --dry-run --Werror "$file" >/dev/null 2>&1; then
        unformatted+=("$file")
    fi
done <<<"$files"

if [ ${#unformatted[@]} -gt 0 ]; then
    echo "format: ${#unformatted[@]} of $checked C++ files $what are not formatted" \
        "(clang-format-14 -i FILE formats one):"
    printf '    %s\n' "${unformatted[@]}"
    exit 1
fi
echo "format: $checked C++ files $what, all formatted"
