"""The local replica of the news site (stands in for the real portal, which these machines cannot reach)."""
