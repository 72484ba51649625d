-- wrk script: the seed's chat completion POST, streamed, with the usage chunk asked for.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{ "model": "gpt-3.5-turbo", "stream": true, "stream_options": { "include_usage": true }, "messages": [ { "role": "system", "content": "You are a poetic assistant, skilled in explaining complex programming concepts with creative flair." }, { "role": "user", "content": "Compose a poem that explains the concept of recursion in programming." } ] }'
