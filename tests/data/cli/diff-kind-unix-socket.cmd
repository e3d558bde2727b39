diff --color=never kinds/base.sb kinds/unix-socket.sb
