diff --color=never kinds/base.sb kinds/notification.sb
