diff --color=never kinds/base.sb kinds/file-mode.sb
