"""`claims site`: the claim base published as a static site.

One module per stage, each taking plain data from the one before:

* `slugs`   - note paths to safe, collision-free page names; every output path checked to stay inside
              the output folder.
* `urls`    - what a URL written in a note may become on the site (internal page, copied file,
              external link, or nothing).
* `render`  - a note's Markdown body to safe HTML, its wiki-links rewritten at the positions the
              linter found them.
* `assets`  - copying plots and images into the site (SVG sanitised on the way).
* `pages`   - what each page shows, as plain dataclasses, built from the same `ClaimBase` and
              `LintResult` the linter produces.
* `neighbourhood` - the small diagram of the argument around one note.
* `layout`  - positions for the whole-graph view (a particle-mesh force layout, cached between builds).
* `search`  - the sharded full-text index the site's own search script reads.
* `templates` - the Jinja2 environment over the templates in the top-level `site/` folder.
* `build`   - orchestration: which pages changed, rendering them (in parallel when many), atomic
              writes, the manifest written last.
* `serve`   - local preview with rebuild on change.
"""
