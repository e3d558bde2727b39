diff allowlist-old.sb broken.sb
