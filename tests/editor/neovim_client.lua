-- Drives `tenet lsp` from a headless Neovim (0.7), as a user's editor would:
-- opens a file, waits for diagnostics, hovers, jumps to a definition and
-- formats. Writes what it saw as JSON to $OUT; the Python side judges it.
local tenet, root, file, out = os.getenv('TENET'), os.getenv('ROOT'), os.getenv('FILE'), os.getenv('OUT')
local hover_line, hover_col = tonumber(os.getenv('HOVER_LINE')), tonumber(os.getenv('HOVER_COL'))
local results = { errors = {} }

local function finish()
  local f = io.open(out, 'w')
  f:write(vim.fn.json_encode(results))
  f:close()
  vim.cmd('qa!')
end

local ok, err = pcall(function()
  local client_id = vim.lsp.start_client({ name = 'tenet', cmd = { tenet, 'lsp', '--stdio' }, root_dir = root })
  if not client_id then
    table.insert(results.errors, 'start_client failed')
    return
  end
  vim.cmd('edit ' .. vim.fn.fnameescape(file))
  local bufnr = vim.api.nvim_get_current_buf()
  vim.lsp.buf_attach_client(bufnr, client_id)

  local seen = vim.wait(30000, function() return #vim.diagnostic.get(bufnr) > 0 end, 50)
  results.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(bufnr)) do
    local code = d.code
    if code == nil and d.user_data and d.user_data.lsp then code = d.user_data.lsp.code end
    table.insert(results.diagnostics, { lnum = d.lnum, col = d.col, message = d.message, code = code,
                                        severity = d.severity })
  end
  if not seen then table.insert(results.errors, 'no diagnostics within 30 s') end

  local uri = vim.uri_from_bufnr(bufnr)
  local position = { line = hover_line, character = hover_col }
  local hover = vim.lsp.buf_request_sync(bufnr, 'textDocument/hover',
                                         { textDocument = { uri = uri }, position = position }, 20000)
  if hover and hover[client_id] and hover[client_id].result then
    results.hover = hover[client_id].result.contents.value
  end

  local def = vim.lsp.buf_request_sync(bufnr, 'textDocument/definition',
                                       { textDocument = { uri = uri }, position = position }, 20000)
  if def and def[client_id] and def[client_id].result then
    local loc = def[client_id].result
    if loc[1] then loc = loc[1] end
    results.definition = loc
    -- Jump there, as the user would, and read the line.
    vim.lsp.util.jump_to_location(loc, 'utf-16')
    results.definition_line = vim.api.nvim_get_current_line()
    vim.cmd('buffer ' .. bufnr)
  end

  local fmt = vim.lsp.buf_request_sync(bufnr, 'textDocument/formatting',
                                       { textDocument = { uri = uri }, options = { tabSize = 2, insertSpaces = true } },
                                       20000)
  if fmt and fmt[client_id] and fmt[client_id].result then
    vim.lsp.util.apply_text_edits(fmt[client_id].result, bufnr, 'utf-16')
  else
    table.insert(results.errors, 'no formatting result')
  end
  results.formatted = table.concat(vim.api.nvim_buf_get_lines(bufnr, 0, -1, false), '\n') .. '\n'
end)
if not ok then table.insert(results.errors, tostring(err)) end
finish()
