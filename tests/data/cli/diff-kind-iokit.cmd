diff --color=never kinds/base.sb kinds/iokit.sb
