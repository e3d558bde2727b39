lint --color=never ../lint/unnormalized-path.sb
