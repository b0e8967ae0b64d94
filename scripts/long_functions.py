#!/usr/bin/env python3
"""Lists C++ functions longer than a limit, so that no function grows past what one can hold in mind.

    scripts/long_functions.py [--limit 80] DIR...

A function is counted from the line of its opening brace to the line of its closing brace; lambdas
count towards the function they are written in. A function whose body is a table (a switch over an
enum, a list of names) may be exempted by a comment `// long: table` on the line of its opening
brace or the line above it. Exits 1 when any function is longer than the limit.
"""
import argparse
import pathlib
import re
import sys

CONTROL = re.compile(r"\b(if|for|while|switch|catch|do|else|return|try)\b\s*(\(|$|\{)")
HEAD_END = re.compile(r"\)\s*(const|noexcept|override|final|mutable|->\s*[\w:<>,\s*&\[\]]+|\s)*$")


def strip(text):
    """Blanks comments, string and character literals, keeping the lines where they are."""
    out = []
    i = 0
    n = len(text)
    while i < n:
        c = text[i]
        if text.startswith("//", i):
            end = text.find("\n", i)
            end = n if end < 0 else end
            out.append(" " * (end - i))
            i = end
        elif text.startswith("/*", i):
            end = text.find("*/", i + 2)
            end = n if end < 0 else end + 2
            out.append("".join("\n" if ch == "\n" else " " for ch in text[i:end]))
            i = end
        elif text.startswith('R"', i):
            m = re.match(r'R"([^(]*)\(', text[i:])
            if m:
                closing = ")" + m.group(1) + '"'
                end = text.find(closing, i + m.end())
                end = n if end < 0 else end + len(closing)
                out.append('""' + "".join("\n" if ch == "\n" else " " for ch in text[i + 2:end]))
                i = end
            else:
                out.append(c)
                i += 1
        elif c in "\"'":
            j = i + 1
            while j < n and text[j] != c and text[j] != "\n":
                j += 2 if text[j] == "\\" else 1
            out.append(c + " " * (j - i - 1) + c)
            i = j + 1
        else:
            out.append(c)
            i += 1
    return "".join(out)


def functions(path):
    raw = path.read_text(encoding="utf-8", errors="replace")
    text = strip(raw)
    lines = raw.splitlines()
    found = []
    stack = []  # per open brace: (is_function_body, start_line, head)
    head_start = 0
    line = 1
    for i, c in enumerate(text):
        if c == "\n":
            line += 1
        elif c == "{":
            head = text[head_start:i].strip()
            inside_function = any(kind for kind, _, _ in stack)
            is_function = (not inside_function and HEAD_END.search(head) is not None
                           and not CONTROL.match(head) and not head.endswith("]")
                           and not re.search(r"\]\s*\([^()]*\)\s*(mutable\s*)?(->[^{]*)?$", head))
            stack.append((is_function, line, head))
            head_start = i + 1
        elif c == "}":
            if stack:
                is_function, start, head = stack.pop()
                if is_function:
                    marked = any("// long: table" in lines[k - 1] for k in (start - 1, start) if 0 < k <= len(lines))
                    name = re.sub(r"\s+", " ", head.split("(")[0]).split(" ")[-1]
                    found.append((start, line - start + 1, name, marked))
            head_start = i + 1
        elif c == ";":
            head_start = i + 1
    return found


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--limit", type=int, default=80)
    parser.add_argument("dirs", nargs="+")
    args = parser.parse_args()
    long_ones = []
    for d in args.dirs:
        root = pathlib.Path(d)
        if not root.exists():
            print(f"{d}: no such folder", file=sys.stderr)
            return 2
        for path in sorted(root.rglob("*")):
            if path.suffix in (".cpp", ".hpp") and path.is_file():
                for start, length, name, marked in functions(path):
                    if length > args.limit and not marked:
                        long_ones.append((length, f"{path}:{start}: {name} is {length} lines"))
    for _, text in sorted(long_ones, reverse=True):
        print(text)
    if long_ones:
        print(f"{len(long_ones)} functions over {args.limit} lines")
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
