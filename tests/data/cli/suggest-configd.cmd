suggest uv-configd.log
