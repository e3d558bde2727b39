lint --color=never --no-notes ../lint/broad-grant.sb
