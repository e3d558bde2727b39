diff --color=never kinds/base.sb kinds/path-subpath.sb
