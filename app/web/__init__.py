"""The web views at /ui: server-rendered pages for people who would rather look."""
