"""The house measures of plugins/, enforced by make test's lint step (issue "The engine as a house"):

- no Python file over 400 lines (modules counted without DOCUMENTATION, EXAMPLES and RETURN);
- no function of 50 lines or more;
- no block (function, method, class) with a cyclomatic complexity over 15;
- a maintainability index of at least 20 for every file (modules measured without their documentation).

Measured with radon (pinned in requirements/newest.txt). Prints each breach and a one-line summary; exits 1 on any.
Usage: python scripts/house_measures.py [DIR]  (default: plugins)
"""
import ast
import os
import sys

from radon.complexity import cc_visit  # pylint: disable=import-error
from radon.metrics import mi_visit  # pylint: disable=import-error
from radon.raw import analyze  # pylint: disable=import-error

MAX_SLOC = 400
MAX_FUNCTION_LINES = 49
MAX_COMPLEXITY = 15
MIN_MAINTAINABILITY = 20
DOCS = ('DOCUMENTATION', 'EXAMPLES', 'RETURN')


def without_docs(source):
    """The source with a module's DOCUMENTATION, EXAMPLES and RETURN strings blanked (their lines kept as empty
    lines, so line numbers stay true), and how many lines they took."""
    lines = source.splitlines()
    blanked = 0
    for node in ast.parse(source).body:
        if isinstance(node, ast.Assign) and any(getattr(target, 'id', None) in DOCS for target in node.targets):
            for index in range(node.lineno - 1, node.end_lineno):
                lines[index] = ''
                blanked += 1
    return '\n'.join(lines) + '\n', blanked


def blocks(tree_blocks):
    """radon lists functions, classes and methods flat; closures only inside their function."""
    for block in tree_blocks:
        yield block
        yield from getattr(block, 'closures', [])


def measure(path):
    """(figures, breaches) of one file."""
    with open(path, encoding='utf-8') as handle:
        source, blanked = without_docs(handle.read())
    # Every line but the module documentation's, as reviews count them (docstrings, comments and blanks too).
    sloc = analyze(source).loc - blanked
    maintainability = mi_visit(source, multi=True)
    breaches = []
    if sloc > MAX_SLOC:
        breaches.append('%s: %d source lines (at most %d)' % (path, sloc, MAX_SLOC))
    if maintainability < MIN_MAINTAINABILITY:
        breaches.append('%s: maintainability index %.1f (at least %d)' % (path, maintainability, MIN_MAINTAINABILITY))
    worst = (0, 0)
    for block in blocks(cc_visit(source)):
        length = block.endline - block.lineno + 1
        is_function = not hasattr(block, 'methods')
        worst = (max(worst[0], block.complexity), max(worst[1], length if is_function else 0))
        if block.complexity > MAX_COMPLEXITY:
            breaches.append('%s:%d %s: cyclomatic complexity %d (at most %d)'
                            % (path, block.lineno, block.fullname, block.complexity, MAX_COMPLEXITY))
        if is_function and length > MAX_FUNCTION_LINES:
            breaches.append('%s:%d %s: %d lines (at most %d)' % (path, block.lineno, block.fullname, length,
                                                                 MAX_FUNCTION_LINES))
    return (sloc, maintainability, worst[0], worst[1]), breaches


def main(root):
    figures, breaches = [], []
    for directory, _dirs, files in sorted(os.walk(root)):
        for name in sorted(files):
            if name.endswith('.py'):
                measured, found = measure(os.path.join(directory, name))
                figures.append(measured)
                breaches.extend(found)
    for breach in breaches:
        print('house measure breached: ' + breach)
    print('house measures over %d files in %s: largest %d source lines, lowest maintainability index %.1f, highest '
          'complexity %d, longest function %d lines; %d breach(es)'
          % (len(figures), root, max(f[0] for f in figures), min(f[1] for f in figures),
             max(f[2] for f in figures), max(f[3] for f in figures), len(breaches)))
    return 1 if breaches else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv[1] if len(sys.argv) > 1 else 'plugins'))
