lint --color=never --werror ../lint/unnormalized-path.sb
