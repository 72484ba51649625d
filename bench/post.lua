-- wrk script: every request is the seed's chat completion POST.
wrk.method = "POST"
wrk.headers["Content-Type"] = "application/json"
wrk.body = '{ "model": "gpt-3.5-turbo", "messages": [ { "role": "system", "content": "You are a poetic assistant, skilled in explaining complex programming concepts with creative flair." }, { "role": "user", "content": "Compose a poem that explains the concept of recursion in programming." } ] }'
