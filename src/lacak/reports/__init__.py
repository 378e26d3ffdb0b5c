"""Weekly report: figures gathered from every domain, rendered as text, HTML, PNG, PDF."""
