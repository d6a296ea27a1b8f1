-- Drives `termlint lsp` from Neovim (0.7 and later), headless, as an editor user would.
-- Settings from the environment: TERMLINT_LSP_CMD (JSON list), TERMLINT_ROOT, TERMLINT_DOC,
-- TERMLINT_OUT (where to write what happened, as JSON).
local out_path = os.getenv("TERMLINT_OUT")

local function write(result)
  local f = assert(io.open(out_path, "w"))
  f:write(vim.fn.json_encode(result))
  f:close()
end

local function run()
  local cmd = vim.fn.json_decode(os.getenv("TERMLINT_LSP_CMD"))
  local root = os.getenv("TERMLINT_ROOT")
  vim.cmd("edit " .. vim.fn.fnameescape(os.getenv("TERMLINT_DOC")))
  vim.bo.filetype = "markdown"
  local buf = vim.api.nvim_get_current_buf()
  local id
  if vim.lsp.start then
    id = vim.lsp.start({ name = "termlint", cmd = cmd, root_dir = root })
  else -- Neovim 0.7
    id = vim.lsp.start_client({ name = "termlint", cmd = cmd, root_dir = root })
    vim.lsp.buf_attach_client(buf, id)
  end
  local result = { version = tostring(vim.version().major) .. "." .. tostring(vim.version().minor) }

  assert(vim.wait(120000, function() return #vim.diagnostic.get(buf) > 0 end, 50),
         "no diagnostics from termlint lsp")
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { lnum = d.lnum, col = d.col, end_lnum = d.end_lnum,
                                       end_col = d.end_col, message = d.message,
                                       severity = d.severity, source = d.source })
  end
  local first = vim.diagnostic.get(buf)[1]
  local uri = vim.uri_from_bufnr(buf)

  local hover = vim.lsp.buf_request_sync(buf, "textDocument/hover", {
    textDocument = { uri = uri }, position = { line = first.lnum, character = first.col + 1 },
  }, 60000)
  for _, response in pairs(hover or {}) do
    if response.result then result.hover = response.result.contents.value end
  end

  local range = { start = { line = first.lnum, character = first.col },
                  ["end"] = { line = first.end_lnum, character = first.end_col } }
  local actions = vim.lsp.buf_request_sync(buf, "textDocument/codeAction", {
    textDocument = { uri = uri }, range = range, context = { diagnostics = {} },
  }, 60000)
  result.titles = {}
  local chosen
  for _, response in pairs(actions or {}) do
    for _, action in ipairs(response.result or {}) do
      table.insert(result.titles, action.title)
      if action.title:find("^Rewrite as “in%-context scheming”") then chosen = action end
    end
  end
  assert(chosen, "no rewrite action")
  vim.lsp.util.apply_workspace_edit(chosen.edit, "utf-16")
  result.text = table.concat(vim.api.nvim_buf_get_lines(buf, 0, -1, false), "\n")
  result.cleared = vim.wait(120000, function() return #vim.diagnostic.get(buf) == 0 end, 50)

  vim.lsp.stop_client(id)
  result.stopped = vim.wait(30000, function() return vim.lsp.get_client_by_id(id) == nil end, 50)
  write(result)
end

local ok, err = pcall(run)
if not ok then
  write({ error = tostring(err) })
  vim.cmd("cquit 1")
end
vim.cmd("qa!")
