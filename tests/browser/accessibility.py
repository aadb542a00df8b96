"""Accessibility checks for the browser journeys: axe-core (shipped in the
axe-playwright-python wheel, no download) and the phone viewport.

A journey makes one `Audit`, calls `audit.check(page, label)` on every page it
visits, and ends with `audit.finish(folder)`: the serious and critical
violations fail the journey, all together, in one readable list; the minor and
moderate ones are counted in a text file beside the screenshots for a person to
read."""

from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

from axe_playwright_python.sync_playwright import Axe

FAILING = ("serious", "critical")
PHONE = {
    "viewport": {"width": 390, "height": 844},
    "device_scale_factor": 2,
    "is_mobile": True,
    "has_touch": True,
}

# Rules switched off everywhere, each with its reason and its follow-up. Keep
# this empty unless a whole class of violation cannot be fixed yet.
DISABLED_RULES: dict[str, str] = {}

_axe = Axe()


@dataclass
class Audit:
    failures: list[str] = field(default_factory=list)
    minor: Counter = field(default_factory=Counter)
    minor_pages: dict[str, set[str]] = field(default_factory=dict)
    pages: int = 0

    def check(self, page, label: str) -> None:
        """axe-core on the page as it stands; `label` names it in the report
        (path and language, for instance)."""
        options = {
            "resultTypes": ["violations"],
            "rules": {rule: {"enabled": False} for rule in DISABLED_RULES},
        }
        violations = _axe.run(page, options=options).response["violations"]
        self.pages += 1
        for violation in violations:
            rule, impact = violation["id"], violation["impact"]
            if impact in FAILING:
                first = violation["nodes"][0]
                target = " ".join(str(part) for part in first["target"])
                self.failures.append(
                    f"{label}: {rule} ({impact}) ×{len(violation['nodes'])} — {target}"
                    f" — {first['html'][:120]}"
                )
            else:
                self.minor[f"{rule} ({impact})"] += len(violation["nodes"])
                self.minor_pages.setdefault(f"{rule} ({impact})", set()).add(label)

    def finish(self, folder: Path) -> None:
        """Write the minor and moderate findings beside the screenshots, then fail
        on the serious and critical ones."""
        folder.mkdir(parents=True, exist_ok=True)
        lines = [f"axe-core on {self.pages} pages: minor and moderate findings (rule → nodes)"]
        if not self.minor:
            lines.append("none")
        for rule, count in self.minor.most_common():
            pages = sorted(self.minor_pages[rule])
            shown = ", ".join(pages[:6]) + (f" … (+{len(pages) - 6})" if len(pages) > 6 else "")
            lines.append(f"{rule}: {count} on {len(pages)} pages — {shown}")
        if self.failures:
            lines += ["", "serious and critical:", *self.failures]
        (folder / "accessibility.txt").write_text("\n".join(lines) + "\n", encoding="utf-8")
        assert not self.failures, (
            f"{len(self.failures)} serious or critical axe-core violations:\n"
            + "\n".join(self.failures)
        )


def horizontal_overflow(page) -> int:
    """How many CSS pixels the document is wider than the viewport (0 when it
    fits). Tables inside a scrolling container do not count: they scroll inside
    it, the document does not."""
    # Against the viewport asked for, not window.innerWidth: a phone widens its
    # layout viewport to the content, so the page always "fits" that one.
    width = page.viewport_size["width"]
    return (
        page.evaluate("Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
        - width
    )


def widest_culprits(page, limit: int = 3) -> list[str]:
    """The outermost elements that stick out past the viewport's right edge, to
    say in a failure what overflows."""
    return page.evaluate(
        """([limit, width]) => {
          const found = [];
          for (const el of document.body.querySelectorAll('*')) {
            const box = el.getBoundingClientRect();
            if (box.right <= width + 1 || box.width === 0) continue;
            let inside = false;
            for (let up = el.parentElement; up && up !== document.body; up = up.parentElement) {
              const style = getComputedStyle(up);
              if (['auto', 'scroll', 'hidden'].includes(style.overflowX)) { inside = true; break; }
              if (up.getBoundingClientRect().right > width + 1) { inside = true; break; }
            }
            if (inside) continue;
            const name = el.tagName.toLowerCase() + (el.id ? '#' + el.id : '')
              + (el.className && typeof el.className === 'string'
                 ? '.' + el.className.trim().split(/\\s+/).join('.') : '');
            found.push(`${name} (right edge ${Math.round(box.right)} px)`);
            if (found.length >= limit) break;
          }
          return found;
        }""",
        [limit, page.viewport_size["width"]],
    )


def unreachable_links(page, selector: str) -> list[str]:
    """Links and buttons under `selector` that a finger cannot reach: hidden, of
    no size, or past the viewport's edges."""
    return page.evaluate(
        """([selector, width]) => {
          const out = [];
          for (const el of document.querySelectorAll(selector + ' a, ' + selector + ' button')) {
            const box = el.getBoundingClientRect();
            const style = getComputedStyle(el);
            if (style.visibility === 'hidden' || box.width === 0 || box.height === 0
                || box.left < -1 || box.right > width + 1) {
              out.push((el.textContent || el.title || el.outerHTML).trim().slice(0, 40));
            }
          }
          return out;
        }""",
        [selector, page.viewport_size["width"]],
    )
