"""Connectors to employers' own job boards: each reads a board's published postings (Greenhouse, Lever, Ashby,
SmartRecruiters, a USAJOBS search, schema.org JobPosting on a careers page) into `BoardRow`s, purely; the refresh
(`jobs.services.boards.board_refresh`) writes them through the one posting write path."""
