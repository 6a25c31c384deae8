"""rolescope's version: the one number in `/readyz`, `/metrics` (rolescope_build_info), the page footer and every
backup's manifest. Raised with each release, which gets a section (and upgrade notes) in CHANGELOG.md and a git tag
`vVERSION`; pyproject.toml carries the same number (config/tests/test_version.py checks all three agree)."""

VERSION = "0.19.1"
