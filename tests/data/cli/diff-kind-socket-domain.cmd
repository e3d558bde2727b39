diff --color=never kinds/base.sb kinds/socket-domain.sb
