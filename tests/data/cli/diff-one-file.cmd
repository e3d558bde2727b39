diff allowlist-old.sb
