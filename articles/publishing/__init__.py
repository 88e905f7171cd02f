"""Publishing: freeze a working copy into a published version and render it."""
