"""`make demo`: a quarter of a sales organisation, seeded and played through the gateway.

`scenario` generates the organisation from a seed (pure data), `simulation`
drives it through the SDK, `summary` reads the figures back, `cli` ties them
together (`python -m salesops.demo`). See docs/demo.md.
"""
