diff allowlist-old.sb -
