"""The public site: views, feeds, sitemaps, search, calendar and the page cache."""
