"""Web dashboard: server-rendered pages behind a token login, no CDN at run time."""
